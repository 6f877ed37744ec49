// HTML escaping for template literals: every interpolated value goes through esc.

/** Escapes text for HTML element content and quoted attributes. */
export function esc(v: unknown): string {
  return String(v ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
