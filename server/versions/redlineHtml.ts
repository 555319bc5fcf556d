import { movedFrom, movedTo, partyName, readingOrder, type BlockPlace, type VersionDiff } from '../../src'
import { standingWords } from '../negotiation/standingWords'

// What a coarse comparison says of itself (see `DiffBudget`): some paragraphs
// differ too much to be compared word by word within the budget.
const COARSE_BLOCK = '(párrafo comparado entero)'
const COARSE_NOTE =
  'Comparación aproximada: algunos párrafos difieren demasiado para compararlos palabra por palabra y se muestran sustituidos enteros.'

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string)

// Text with line breaks kept.
const lines = (text: string) => escape(text).replace(/\n/g, '<br>')

// "§ 12, «2. Justificación»": a paragraph's number and section in one version.
const placeName = ({ paragraph, section }: BlockPlace) => `§ ${paragraph}, «${escape(section || 'Preámbulo')}»`

/**
 * A self-contained, readable redline page of a comparison: section by
 * section, deleted words struck, inserted words underlined, moved blocks
 * marked, the countries whose accepted proposals brought a change, and
 * the paragraphs whose status changed.
 * Its only style is inline; it has no script.
 */
export function redlineHtml(diff: VersionDiff, title: string): string {
  const sections: Array<{ name: string; blocks: string[] }> = []
  for (const { change: block, at } of readingOrder(diff.blocks)) {
    if (block.op === 'equal') continue
    const name = at === 'old' ? movedFrom(block).section : block.section
    let section = sections.at(-1)
    if (!section || section.name !== name) sections.push((section = { name, blocks: [] }))
    if (at === 'old') {
      section.blocks.push(`<div class="block moved-away"><div class="label">Trasladado a ${placeName(movedTo(block))}</div><p><del>${lines(block.oldText)}</del></p></div>`)
      continue
    }
    const body =
      block.runs?.map((r) => (r.op === 'equal' ? lines(r.text) : r.op === 'insert' ? `<ins>${lines(r.text)}</ins>` : `<del>${lines(r.text)}</del>`)).join('') ??
      (block.op === 'inserted' ? `<ins>${lines(block.newText)}</ins>` : block.op === 'deleted' ? `<del>${lines(block.oldText)}</del>` : lines(block.newText))
    const label = {
      changed: 'Modificado',
      inserted: 'Añadido',
      deleted: 'Suprimido',
      moved: `Trasladado desde ${placeName(movedFrom(block))}`
    }[block.op as 'changed' | 'inserted' | 'deleted' | 'moved']
    const credits = (block.proposals ?? [])
      .map((p) => `<span class="credit">Propuesta de ${escape(partyName(p, 'es'))}</span>`)
      .join(' ')
    const coarse = block.coarse ? ` <span class="coarse">${COARSE_BLOCK}</span>` : ''
    section.blocks.push(`<div class="block ${block.op}"><div class="label">${label}${coarse} ${credits}</div><p>${body}</p></div>`)
  }
  // Where the negotiation of paragraphs moved between the two: "Acordado ad referéndum (…) → Acordado".
  const standings = (diff.statusChanges ?? []).map((change) => {
    const block = diff.blocks.find((b) => b.blockId === change.blockId)
    const text = block ? block.newText || block.oldText : ''
    const start = text.length > 80 ? `${text.slice(0, 80)}…` : text
    return `<li><span class="standing">${escape(standingWords(change.from))} → ${escape(standingWords(change.to))}</span>${start ? ` «${escape(start)}»` : ''}</li>`
  })
  const s = diff.stats
  return `<!doctype html>
<html lang="es"><head><meta charset="utf-8"><title>${escape(title)} — ${escape(diff.from.name)} → ${escape(diff.to.name)}</title>
<style>
body{font-family:Georgia,"Times New Roman",serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1d2733;line-height:1.55}
h1{font-size:1.4rem}h2{font-size:1.1rem;border-bottom:1px solid #d8dee6;padding-bottom:.2rem;margin-top:2rem}
.summary{font-family:system-ui,sans-serif;font-size:.9rem;color:#5b6876}
.block{margin:1rem 0;padding-left:.8rem;border-left:3px solid #d8dee6}.block.inserted{border-color:#1e7b34}.block.deleted{border-color:#b00020}.block.moved{border-color:#6c3fa0}.block.moved-away{border-left-style:dashed;border-color:#6c3fa0}
.label{font-family:system-ui,sans-serif;font-size:.75rem;color:#5b6876;text-transform:uppercase;letter-spacing:.04em}
.credit{text-transform:none;background:#eef3f8;border-radius:3px;padding:0 .3rem;color:#1f4e79}
ins{color:#1e7b34;text-decoration:underline;background:#e9f6ec}del{color:#b00020;background:#fbeaec}
</style></head><body>
<h1>${escape(title)}</h1>
<p class="summary">De «${escape(diff.from.name)}» a «${escape(diff.to.name)}»: ${s.wordsAdded} palabras añadidas, ${s.wordsRemoved} suprimidas; ${s.blocksChanged} párrafos modificados, ${s.blocksInserted} añadidos, ${s.blocksDeleted} suprimidos, ${s.blocksMoved} trasladados.</p>
${diff.coarse ? `<p class="summary coarse-note">${COARSE_NOTE}</p>\n` : ''}${sections.map((sec) => `<h2>${escape(sec.name || 'Preámbulo')}</h2>\n${sec.blocks.join('\n')}`).join('\n')}
${sections.length === 0 ? '<p>No hay diferencias entre las dos versiones.</p>' : ''}
${standings.length > 0 ? `<h2>Estado de los párrafos</h2>\n<ul class="standings">\n${standings.join('\n')}\n</ul>` : ''}
</body></html>`
}
