/**
 * An id (a kind, a document id, a record id) as one file or folder name:
 * percent-encoded, so that `/`, `..` or a leading dot never reach the path,
 * and decoded back exactly.
 */
export function fileNameOf(id: string): string {
  if (typeof id !== 'string' || id === '') throw new RangeError(`Not an id to store: ${JSON.stringify(id)}`)
  return encodeURIComponent(id).replace(/\./g, '%2E').replace(/\*/g, '%2A')
}

/** The id a name made by {@link fileNameOf} stands for. */
export const idOfFileName = (name: string): string => decodeURIComponent(name)
