import { useMutation, useQueryClient } from "@tanstack/react-query";
import { KeyRoundIcon, Loader2Icon } from "lucide-react";
import { useId, useState, type FormEvent } from "react";
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
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { FormAlert } from "@/features/auth/form-alert";
import { errorInfo } from "@/lib/errors";
import { trpc } from "@/lib/trpc";

const SCOPES = [
  { value: "usage:write", label: "Report usage", hint: "POST /api/v1/usage and /usage/batch" },
  { value: "entitlements:read", label: "Read entitlements", hint: "GET /api/v1/entitlements" },
] as const;
type Scope = (typeof SCOPES)[number]["value"];

/** Makes a key for the usage API; the key is shown once, in this dialog. */
export function CreateKeyDialog() {
  const [open, setOpen] = useState(false);
  const [key, setKey] = useState<string | null>(null);
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<Scope[]>(["usage:write", "entitlements:read"]);
  const nameId = useId();
  const queryClient = useQueryClient();
  const create = useMutation(
    trpc.admin.apiKeys.create.mutationOptions({
      onSuccess: async (r) => {
        setKey(r.key);
        await queryClient.invalidateQueries(trpc.admin.apiKeys.list.pathFilter());
      },
    }),
  );
  const close = (next: boolean) => {
    setOpen(next);
    if (!next) {
      setKey(null);
      setName("");
      create.reset();
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ name, scopes });
  };
  const toggle = (scope: Scope, on: boolean) =>
    setScopes((s) => (on ? [...s, scope] : s.filter((x) => x !== scope)));

  return (
    <Dialog open={open} onOpenChange={close}>
      <DialogTrigger asChild>
        <Button>
          <KeyRoundIcon aria-hidden="true" />
          Create API key
        </Button>
      </DialogTrigger>
      <DialogContent>
        {key ? (
          <>
            <DialogHeader>
              <DialogTitle>API key created</DialogTitle>
              <DialogDescription>
                Copy it into your backend's secrets now: Folio keeps only a hash and cannot show it
                again.
              </DialogDescription>
            </DialogHeader>
            <p
              className="rounded-md border p-4 font-mono text-sm break-all select-all"
              data-testid="api-key"
            >
              {key}
            </p>
            <DialogFooter>
              <Button onClick={() => close(false)}>Done</Button>
            </DialogFooter>
          </>
        ) : (
          <form onSubmit={submit} className="space-y-4">
            <DialogHeader>
              <DialogTitle>Create an API key</DialogTitle>
              <DialogDescription>
                Whoever holds it can act for any customer within its scopes. Keep it on your
                servers.
              </DialogDescription>
            </DialogHeader>
            <FormAlert message={create.isError ? errorInfo(create.error).message : undefined} />
            <div className="space-y-2">
              <Label htmlFor={nameId}>Name</Label>
              <Input
                id={nameId}
                value={name}
                onChange={(e) => setName(e.target.value)}
                placeholder="Production backend"
                maxLength={100}
                required
              />
            </div>
            <fieldset className="space-y-2">
              <legend className="text-sm font-medium">Scopes</legend>
              {SCOPES.map((s) => (
                <label key={s.value} className="flex items-start gap-2 text-sm">
                  <input
                    type="checkbox"
                    className="mt-1"
                    checked={scopes.includes(s.value)}
                    onChange={(e) => toggle(s.value, e.target.checked)}
                  />
                  <span>
                    {s.label} <span className="text-muted-foreground">— {s.hint}</span>
                  </span>
                </label>
              ))}
            </fieldset>
            <DialogFooter>
              <Button type="submit" disabled={create.isPending || scopes.length === 0}>
                {create.isPending && <Loader2Icon className="animate-spin" />}
                Create key
              </Button>
            </DialogFooter>
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}
