import { Parser } from 'htmlparser2'

/**
 * Whether the elements of `html` nest deeper than `limit`, as htmlparser2
 * (linkedom's parser) sees it, void elements and implied end tags included.
 * Stops at the first element past the limit: htmlparser2's own cost grows
 * with the square of the depth, so that a few megabytes of unclosed tags
 * would otherwise take minutes. Asked before a DOM, whose building and
 * walking recurse once per level, is made of `html`.
 */
export function nestsDeeperThan(html: string, limit: number): boolean {
  let depth = 0
  const tooDeep = new Error('too deep')
  const parser = new Parser(
    {
      onopentag() {
        if (++depth > limit) throw tooDeep
      },
      onclosetag() {
        depth--
      }
    },
    { decodeEntities: false }
  )
  try {
    parser.end(html)
    return false
  } catch (error) {
    if (error === tooDeep) return true
    throw error
  }
}
