import { useQuery } from "@tanstack/react-query";
import { ErrorState } from "@/components/error-state";
import { ScrollRegion } from "@/components/scroll-region";
import {
  Sheet,
  SheetContent,
  SheetDescription,
  SheetHeader,
  SheetTitle,
} from "@/components/ui/sheet";
import { Skeleton } from "@/components/ui/skeleton";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { formatDateTime } from "@/lib/format";
import { trpc } from "@/lib/trpc";

function MailDetails({ id }: { id: string }) {
  const mail = useQuery(trpc.admin.mail.byId.queryOptions({ id }));
  if (mail.isPending) {
    return (
      <div className="space-y-3 px-4" role="status" aria-label="Loading">
        <Skeleton className="h-5" />
        <Skeleton className="h-96" />
      </div>
    );
  }
  if (mail.isError) {
    return (
      <div className="px-4">
        <ErrorState
          title="This e-mail couldn't be loaded"
          error={mail.error}
          onRetry={() => void mail.refetch()}
        />
      </div>
    );
  }
  const m = mail.data;
  return (
    <div className="flex min-h-0 flex-1 flex-col gap-3 px-4 pb-4">
      <dl className="grid grid-cols-[4rem_1fr] gap-x-2 gap-y-1 text-sm">
        <dt className="text-muted-foreground">From</dt>
        <dd className="break-words">{m.fromAddress}</dd>
        <dt className="text-muted-foreground">To</dt>
        <dd className="break-words">{m.toAddresses}</dd>
        <dt className="text-muted-foreground">Sent</dt>
        <dd>{formatDateTime(m.receivedAt)}</dd>
      </dl>
      <Tabs defaultValue={m.html ? "html" : "text"} className="min-h-0 flex-1">
        <TabsList>
          <TabsTrigger value="html" disabled={!m.html}>
            HTML
          </TabsTrigger>
          <TabsTrigger value="text">Plain text</TabsTrigger>
          <TabsTrigger value="headers">Headers</TabsTrigger>
        </TabsList>
        <TabsContent value="html" className="min-h-0 flex-1">
          {/* No scripts, no same-origin access: the e-mail's HTML is shown, never trusted. */}
          <iframe
            title={`HTML of "${m.subject}"`}
            sandbox=""
            srcDoc={m.html ?? ""}
            className="h-[32rem] w-full rounded-md border bg-white"
          />
        </TabsContent>
        <TabsContent value="text">
          <ScrollRegion
            label="Plain text"
            className="max-h-[32rem] overflow-auto rounded-md border bg-muted/50"
          >
            <pre className="p-3 font-mono text-xs leading-relaxed whitespace-pre-wrap">
              {m.text ?? "(no plain-text part)"}
            </pre>
          </ScrollRegion>
        </TabsContent>
        <TabsContent value="headers">
          <ScrollRegion
            label="Headers"
            className="max-h-[32rem] overflow-auto rounded-md border bg-muted/50"
          >
            <dl className="space-y-1 p-3 font-mono text-xs">
              {m.headers.map(([name, value], i) => (
                <div key={`${name}-${i}`} className="break-all">
                  <dt className="inline font-semibold">{name}: </dt>
                  <dd className="inline">{value}</dd>
                </div>
              ))}
            </dl>
          </ScrollRegion>
        </TabsContent>
      </Tabs>
    </div>
  );
}

/** One caught e-mail: rendered HTML (sandboxed), plain text and headers; open while `?mail=`. */
export function MailSheet({ id, onClose }: { id: string | undefined; onClose: () => void }) {
  const subject = useQuery({
    ...trpc.admin.mail.byId.queryOptions({ id: id ?? "" }),
    enabled: id !== undefined,
    select: (m) => m.subject,
  });
  return (
    <Sheet
      open={id !== undefined}
      onOpenChange={(open) => {
        if (!open) onClose();
      }}
    >
      <SheetContent className="w-full gap-0 sm:max-w-2xl">
        <SheetHeader className="border-b">
          <SheetTitle>{subject.data ?? "E-mail"}</SheetTitle>
          <SheetDescription>As the mail catcher received it.</SheetDescription>
        </SheetHeader>
        <div className="flex min-h-0 flex-1 flex-col pt-4">{id && <MailDetails id={id} />}</div>
      </SheetContent>
    </Sheet>
  );
}
