import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { authPageFor, leaveIfSignedIn } from "@/features/auth/auth-pages";
import { takeFlash } from "@/lib/flash";
import { ThemeProvider } from "@/lib/theme";
import "./index.css";

// The sign-in entry (auth.html): the public auth pages with React and a plain tRPC client, but
// none of the SPA's router and data layer, so a first visit downloads a fraction of the app.
// Signing in loads the SPA as a new page.

const container = document.getElementById("root");
if (!container) throw new Error('auth.html must contain <div id="root">');

const { Page, redirectTo, leaveWhenSignedIn } = authPageFor(window.location);
const notice = takeFlash();

createRoot(container).render(
  <StrictMode>
    <ThemeProvider>
      <Page redirectTo={redirectTo} notice={notice} />
    </ThemeProvider>
  </StrictMode>,
);

// A failure leaves the form in place: signing in reports the real problem.
if (leaveWhenSignedIn) void leaveIfSignedIn(redirectTo).catch(() => undefined);
