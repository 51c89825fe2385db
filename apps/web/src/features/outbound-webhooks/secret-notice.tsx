/** A signing secret, shown once (after creating an endpoint or rotating its secret). */
export function SecretNotice({ secret }: { secret: string }) {
  return (
    <div className="space-y-2 rounded-md border p-4 text-sm">
      <p className="text-muted-foreground">
        Signing secret — copy it into your receiver now; it is not shown again.
      </p>
      <p className="font-mono break-all select-all" data-testid="endpoint-secret">
        {secret}
      </p>
    </div>
  );
}
