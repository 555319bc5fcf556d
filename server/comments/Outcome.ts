/** An expected refusal, with the HTTP status that says what kind it is. */
export interface Refusal {
  readonly status: 400 | 403 | 404 | 409 | 413 | 422
  readonly message: string
}

/** What a workspace operation returns: its value, or why it was refused. */
export type Outcome<T> = { readonly ok: T } | { readonly failed: Refusal }

export const ok = <T>(value: T): Outcome<T> => ({ ok: value })
export const refuse = (status: Refusal['status'], message: string): { failed: Refusal } => ({ failed: { status, message } })
