import { lazyRouteComponent } from "@tanstack/react-router";

// Seldom shown, so not part of a first visit: fetched when a page is not found. (The error
// screen stays in the entry: its button and states are the ones every page uses anyway.)
const notFound = () => import("@/features/shell/not-found-page");

export const NotFoundPage = lazyRouteComponent(notFound, "NotFoundPage");
export const NotFoundInFrame = lazyRouteComponent(notFound, "NotFoundInFrame");
