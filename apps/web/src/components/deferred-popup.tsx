import {
  useEffect,
  useState,
  type ComponentProps,
  type KeyboardEvent,
  type PointerEvent,
  type ComponentType,
  type ReactElement,
} from "react";

/** What a deferred popup's loaded module receives besides its own props. */
export interface LoadedPopupProps {
  /** The trigger button, to render inside the menu's or dialog's `…Trigger asChild`. */
  trigger: ReactElement;
  /** The visitor asked for the popup before its code arrived: open it at once. */
  defaultOpen: boolean;
}

type TriggerProps = ComponentProps<"button"> & {
  ref?: (element: HTMLButtonElement | null) => void;
};

interface DeferredPopupProps<P> {
  /**
   * A Radix dropdown menu opens on pointer down or ArrowDown, a select's listbox on pointer down
   * or an arrow key, a dialog on click.
   */
  popup: "menu" | "listbox" | "dialog";
  /** Imports the module with the Radix menu, select or dialog (a chunk of its own). */
  load: () => Promise<ComponentType<P & LoadedPopupProps>>;
  /** The menu's own props, passed through once it has loaded. */
  props: P;
  /** The trigger button; the same element before and after the popup loads. */
  renderTrigger: (props: TriggerProps) => ReactElement;
}

/**
 * A Radix dropdown menu, select or dialog whose code (a menu's or select's popper and focus
 * scope are about 20–30 KB brotli, a dialog's focus scope and scroll lock about 10 KB) is not
 * part of the first visit: until it loads the trigger is a plain button announced as opening a
 * menu, listbox or dialog. The code starts loading when a pointer comes near or the button takes
 * focus; a press before it arrives opens the popup as soon as it does, and focus stays on the
 * trigger across the swap.
 */
export function DeferredPopup<P extends object>({
  popup,
  load,
  props,
  renderTrigger,
}: DeferredPopupProps<P>) {
  const [loaded, setLoaded] = useState<{
    Popup: ComponentType<P & LoadedPopupProps>;
    hadFocus: boolean;
  } | null>(null);
  const [openOnLoad, setOpenOnLoad] = useState(false);
  const [trigger, setTrigger] = useState<HTMLButtonElement | null>(null);

  // import() runs a module once, so a second hover or focus adds no download; after a failed
  // one the plain button stays and the next hover or focus tries again.
  const start = () => {
    load().then(
      (Popup) =>
        setLoaded((current) => current ?? { Popup, hadFocus: document.activeElement === trigger }),
      () => undefined,
    );
  };
  const open = () => {
    setOpenOnLoad(true);
    start();
  };

  useEffect(() => {
    // The swap replaced the focused plain button; an opening popup moves focus itself.
    if (loaded?.hadFocus && !openOnLoad) trigger?.focus();
  }, [loaded, trigger, openOnLoad]);

  if (loaded) {
    const { Popup } = loaded;
    return (
      <Popup {...props} defaultOpen={openOnLoad} trigger={renderTrigger({ ref: setTrigger })} />
    );
  }
  return renderTrigger({
    ref: setTrigger,
    type: "button",
    "aria-haspopup": popup,
    "aria-expanded": false,
    onPointerEnter: start,
    onFocus: start,
    // A dialog's trigger opens on click only: opened on pointer down, the click that follows
    // would land on the loaded trigger and close it again.
    ...(popup !== "dialog" && {
      onPointerDown: (event: PointerEvent) => {
        if (event.button === 0 && !event.ctrlKey) open();
      },
      onKeyDown: (event: KeyboardEvent) => {
        if (event.key === "ArrowDown" || (popup === "listbox" && event.key === "ArrowUp")) {
          event.preventDefault();
          open();
        }
      },
    }),
    // Enter and Space, and a screen reader's activation, arrive as a click.
    onClick: open,
  });
}
