import { TruckIcon } from "lucide-react";
import { lazy, Suspense, useState } from "react";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import { Skeleton } from "@/components/ui/skeleton";
import type { ShippingTask } from "@/features/fulfilment/search";

// The form (react-hook-form, zod) is its own chunk, loaded when the dialog first opens.
const ShipForm = lazy(() =>
  import("@/features/fulfilment/ship-form").then((module) => ({ default: module.ShipForm })),
);

/** Marks a packed task shipped: the carrier and tracking number are required (the customer sees them). */
export function ShipDialog({ task }: { task: ShippingTask }) {
  const [open, setOpen] = useState(false);
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button size="sm">
          <TruckIcon aria-hidden="true" />
          Ship
        </Button>
      </DialogTrigger>
      <DialogContent className="sm:max-w-md">
        <DialogHeader>
          <DialogTitle>Ship {task.shipTo.name ?? task.orderId}&apos;s parcel</DialogTitle>
          <DialogDescription>
            The customer sees the carrier and tracking number on their orders page.
          </DialogDescription>
        </DialogHeader>
        {open && (
          <Suspense fallback={<Skeleton className="h-64 w-full" />}>
            <ShipForm task={task} onDone={() => setOpen(false)} />
          </Suspense>
        )}
      </DialogContent>
    </Dialog>
  );
}
