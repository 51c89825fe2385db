/** A postal address as label lines: name, street lines, "City, State Postcode", country. */
export function addressLines(a: {
  name: string | null;
  line1: string | null;
  line2: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  country: string | null;
}): string[] {
  const place = [[a.city, a.state].filter(Boolean).join(", "), a.postalCode]
    .filter(Boolean)
    .join(" ");
  return [a.name, a.line1, a.line2, place, a.country].filter((l): l is string => Boolean(l));
}
