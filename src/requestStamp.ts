/**
 * The request that made a record (a comment, a reply, a version, a comment
 * period), as its client named it (the `Idempotency-Key` header), with a
 * digest of what it asked. Stored in the record itself, in the same write: a
 * retry of that request by the same account finds the record instead of
 * making another. The API never shows it.
 */
export interface RequestStamp {
  /** The client's key, 1 to 100 visible ASCII characters, unique per account and request. */
  readonly key: string
  /** SHA-256 (base64url) of what the request asked, to tell a retry from a different request reusing the key. */
  readonly digest: string
}
