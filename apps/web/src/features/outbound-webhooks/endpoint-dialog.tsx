import { PlusIcon } from "lucide-react";
import { lazy, Suspense, useState } from "react";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import { Skeleton } from "@/components/ui/skeleton";
import { SecretNotice } from "@/features/outbound-webhooks/secret-notice";

const EndpointForm = lazy(() =>
  import("@/features/outbound-webhooks/endpoint-form").then((m) => ({ default: m.EndpointForm })),
);

/** Adds an endpoint, then shows its signing secret once. */
export function AddEndpointDialog() {
  const [open, setOpen] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const close = (next: boolean) => {
    setOpen(next);
    if (!next) setSecret(null);
  };
  return (
    <Dialog open={open} onOpenChange={close}>
      <DialogTrigger asChild>
        <Button>
          <PlusIcon aria-hidden="true" />
          Add endpoint
        </Button>
      </DialogTrigger>
      <DialogContent>
        {secret ? (
          <>
            <DialogHeader>
              <DialogTitle>Endpoint added</DialogTitle>
              <DialogDescription>
                Every delivery carries a Folio-Signature header made with this secret; your receiver
                checks it as the README's “Outbound webhooks” section shows.
              </DialogDescription>
            </DialogHeader>
            <SecretNotice secret={secret} />
            <DialogFooter>
              <Button onClick={() => close(false)}>Done</Button>
            </DialogFooter>
          </>
        ) : (
          <>
            <DialogHeader>
              <DialogTitle>Add a webhook endpoint</DialogTitle>
              <DialogDescription>
                Folio POSTs the events you choose to this URL as signed JSON, and retries for up to
                three days when it does not answer 2xx.
              </DialogDescription>
            </DialogHeader>
            <Suspense fallback={<Skeleton className="h-96 w-full" />}>
              <EndpointForm onCreated={setSecret} />
            </Suspense>
          </>
        )}
      </DialogContent>
    </Dialog>
  );
}
