// markdown-it-footnote ships no types, and @types/markdown-it-footnote is
// written against the older layout of @types/markdown-it, whose MarkdownIt
// type is not the one this project's markdown-it types name.
declare module 'markdown-it-footnote' {
  import type MarkdownIt from 'markdown-it'
  const footnotes: (md: MarkdownIt) => void
  export default footnotes
}
