import { MAX_BATCH, MAX_EVENT_AGE_DAYS } from "@folio/billing";

// The usage API's OpenAPI 3.1 document, served at /api/v1/openapi.json and committed as
// docs/usage-api.openapi.json; a test checks the two are equal. To rewrite the committed copy:
// `pnpm --filter @folio/server exec tsx src/routes/usage-api/write-openapi.ts`.

const error = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: {
          type: "string",
          examples: [
            "invalid",
            "unknown_customer",
            "unknown_meter",
            "limit_reached",
            "unauthorized",
          ],
        },
        field: {
          type: "string",
          description: "The request field at fault.",
          examples: ["quantity"],
        },
        message: { type: "string" },
      },
    },
  },
};

const event = {
  type: "object",
  required: ["customer", "meter", "idempotencyKey"],
  properties: {
    customer: {
      type: "string",
      description: "Folio customer id (usr_…) or your own external id for the customer.",
    },
    meter: { type: "string", description: "Meter key from the catalog, e.g. api_calls." },
    quantity: {
      type: "integer",
      minimum: 1,
      default: 1,
      description: "Whole units. Count meters take only 1 (one event per unit).",
    },
    timestamp: {
      oneOf: [
        { type: "string", format: "date-time" },
        { type: "integer", description: "Unix seconds." },
      ],
      description: `When the usage happened; default now. At most ${MAX_EVENT_AGE_DAYS} days old, not in the future.`,
    },
    idempotencyKey: {
      type: "string",
      minLength: 1,
      maxLength: 255,
      description: "Unique per customer: sending the same key again changes nothing.",
    },
  },
};

const result = {
  type: "object",
  required: ["status"],
  properties: {
    status: { enum: ["recorded", "duplicate", "rejected"] },
    eventId: { type: "string" },
    customer: { type: "string" },
    meter: { type: "string" },
    quantity: { type: "integer" },
    periodStart: { type: "string", format: "date-time" },
    included: { type: "integer", description: "Covered by the plan's allowance this period." },
    credits: { type: "integer", description: "Drawn from the wallet." },
    overage: { type: "integer", description: "Billed as overage (metered plans)." },
    error: error.properties.error,
  },
};

const refusal = (description: string) => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});

const auth = {
  "401": refusal("No API key, an unknown key or a revoked key."),
  "403": refusal("The key lacks the scope this endpoint needs."),
};

export function openApiDocument() {
  return {
    openapi: "3.1.0",
    info: {
      title: "Folio usage API",
      version: "1.0.0",
      description:
        "Report metered usage from your backend and ask what a customer has left. Each event is drawn from the plan's allowance for the period, then from wallet credits, then refused or billed as overage, as the plan says.",
    },
    servers: [{ url: "/api/v1" }],
    security: [{ apiKey: [] }],
    components: {
      securitySchemes: {
        apiKey: {
          type: "http",
          scheme: "bearer",
          description:
            "A key an admin created under Admin → API keys (`Authorization: Bearer folio_sk_…`).",
        },
      },
      schemas: { Error: error, UsageEvent: event, UsageResult: result },
    },
    paths: {
      "/usage": {
        post: {
          summary: "Report one usage event",
          description: "Needs the usage:write scope.",
          requestBody: {
            required: true,
            content: {
              "application/json": { schema: { $ref: "#/components/schemas/UsageEvent" } },
            },
          },
          responses: {
            "201": {
              description: "Recorded.",
              content: {
                "application/json": { schema: { $ref: "#/components/schemas/UsageResult" } },
              },
            },
            "200": {
              description: "Seen before (same idempotency key): the first result, unchanged.",
              content: {
                "application/json": { schema: { $ref: "#/components/schemas/UsageResult" } },
              },
            },
            "400": refusal("A field is missing or invalid (the error names it); nothing recorded."),
            ...auth,
            "402": refusal(
              "The allowance (and, where the plan allows, the credits) cannot cover the event; nothing recorded.",
            ),
            "404": refusal("Unknown customer or meter."),
            "413": refusal("The body is too large."),
          },
        },
      },
      "/usage/batch": {
        post: {
          summary: `Report up to ${MAX_BATCH} usage events`,
          description:
            "Needs the usage:write scope. Events are processed in order in one transaction; each gets its own result, and good events are recorded even when others are refused.",
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  required: ["events"],
                  properties: {
                    events: {
                      type: "array",
                      minItems: 1,
                      maxItems: MAX_BATCH,
                      items: { $ref: "#/components/schemas/UsageEvent" },
                    },
                  },
                },
              },
            },
          },
          responses: {
            "200": {
              description: "One result per event, in order.",
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    properties: {
                      recorded: { type: "integer" },
                      duplicates: { type: "integer" },
                      rejected: { type: "integer" },
                      results: {
                        type: "array",
                        items: { $ref: "#/components/schemas/UsageResult" },
                      },
                    },
                  },
                },
              },
            },
            "400": refusal("`events` is missing, empty or too long, or the body is not JSON."),
            ...auth,
            "413": refusal("The body is too large."),
          },
        },
      },
      "/entitlements/{customer}": {
        get: {
          summary: "What a customer has left this period and in credits",
          description: "Needs the entitlements:read scope. Fast enough to sit in a rate limiter.",
          parameters: [
            {
              name: "customer",
              in: "path",
              required: true,
              schema: { type: "string" },
              description: "Folio customer id or your external id.",
            },
          ],
          responses: {
            "200": {
              description: "Entitlements now.",
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    properties: {
                      customer: { type: "string" },
                      at: { type: "string", format: "date-time" },
                      credits: { type: "object", properties: { balance: { type: "integer" } } },
                      meters: {
                        type: "array",
                        items: {
                          type: "object",
                          properties: {
                            meter: { type: "string" },
                            name: { type: "string" },
                            unitLabel: { type: "string" },
                            periodStart: { type: "string", format: "date-time" },
                            periodEnd: { type: "string", format: "date-time" },
                            included: {
                              type: ["integer", "null"],
                              description: "Null: unlimited.",
                            },
                            used: { type: "integer" },
                            includedRemaining: { type: ["integer", "null"] },
                            creditsUsed: { type: "integer" },
                            overage: { enum: ["blocked", "credits", "metered"] },
                            overageQuantity: { type: "integer" },
                          },
                        },
                      },
                    },
                  },
                },
              },
            },
            ...auth,
            "404": refusal("Unknown customer."),
          },
        },
      },
    },
  };
}
