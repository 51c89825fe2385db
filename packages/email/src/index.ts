// Folio's e-mails: templates (React, rendered to HTML and plain text), sending over SMTP, and
// demo mode's mail catcher.
export { formatterFor, type Brand, type Format } from "./brand.ts";
export {
  renderEmail,
  type RenderedEmail,
  type TemplateName,
  type TemplateProps,
} from "./render.ts";
export { smtpMailer, type Mailer, type OutgoingEmail } from "./mailer.ts";
export { startMailCatcher, type MailCatcher } from "./catcher.ts";
export { caughtMailById, listCaughtMail, type SentMailListInput } from "./sent-mail.ts";
export { emailJobs, type EmailJobContext, type MailServices } from "./jobs/index.ts";
