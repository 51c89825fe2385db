// Folio's e-mails: templates (React, rendered to HTML and plain text), sending over SMTP, and
// demo mode's mail catcher.
export { formatterFor, type Brand, type Format } from "./brand.ts";
export {
  renderEmail,
  type RenderedEmail,
  type TemplateName,
  type TemplateProps,
} from "./render.ts";
