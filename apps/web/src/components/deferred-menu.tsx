import {
  useEffect,
  useState,
  type ComponentProps,
  type ComponentType,
  type ReactElement,
} from "react";

/** What a deferred menu's loaded module receives besides its own props. */
export interface LoadedMenuProps {
  /** The trigger button, to render inside the menu's `DropdownMenuTrigger asChild`. */
  trigger: ReactElement;
  /** The visitor asked for the menu before its code arrived: open it at once. */
  defaultOpen: boolean;
}

type TriggerProps = ComponentProps<"button"> & {
  ref?: (element: HTMLButtonElement | null) => void;
};

interface DeferredMenuProps<P> {
  /** Imports the module with the Radix menu (a chunk of its own). */
  load: () => Promise<ComponentType<P & LoadedMenuProps>>;
  /** The menu's own props, passed through once it has loaded. */
  props: P;
  /** The trigger button; the same element before and after the menu loads. */
  renderTrigger: (props: TriggerProps) => ReactElement;
}

/**
 * A dropdown menu whose Radix code (about 30 KB brotli with popper and focus scope) is not part of
 * the first visit: until it loads the trigger is a plain button announced as a menu button. Its
 * code starts loading when a pointer comes near or the button takes focus; a press before it
 * arrives opens the menu as soon as it does, and focus stays on the trigger across the swap.
 */
export function DeferredMenu<P extends object>({
  load,
  props,
  renderTrigger,
}: DeferredMenuProps<P>) {
  const [loaded, setLoaded] = useState<{
    Menu: ComponentType<P & LoadedMenuProps>;
    hadFocus: boolean;
  } | null>(null);
  const [openOnLoad, setOpenOnLoad] = useState(false);
  const [trigger, setTrigger] = useState<HTMLButtonElement | null>(null);

  // import() runs a module once, so a second hover or focus adds no download; after a failed
  // one the plain button stays and the next hover or focus tries again.
  const start = () => {
    load().then(
      (Menu) =>
        setLoaded((current) => current ?? { Menu, hadFocus: document.activeElement === trigger }),
      () => undefined,
    );
  };
  const open = () => {
    setOpenOnLoad(true);
    start();
  };

  useEffect(() => {
    // The swap replaced the focused plain button; an opening menu moves focus itself.
    if (loaded?.hadFocus && !openOnLoad) trigger?.focus();
  }, [loaded, trigger, openOnLoad]);

  if (loaded) {
    const { Menu } = loaded;
    return (
      <Menu {...props} defaultOpen={openOnLoad} trigger={renderTrigger({ ref: setTrigger })} />
    );
  }
  return renderTrigger({
    ref: setTrigger,
    type: "button",
    "aria-haspopup": "menu",
    "aria-expanded": false,
    onPointerEnter: start,
    onFocus: start,
    onPointerDown: (event) => {
      if (event.button === 0 && !event.ctrlKey) open();
    },
    onKeyDown: (event) => {
      if (event.key === "ArrowDown") open();
    },
    // Enter and Space, and a screen reader's activation, arrive as a click.
    onClick: open,
  });
}
