import { Plugin, type Command, type EditorState } from 'prosemirror-state'
import type { EditorView } from 'prosemirror-view'
import { isSafeHref, schema } from '../src'
import { blockActive, commands, markActive, toggleLink } from './commands'
import { h } from './dom'
import type { Translate } from './i18n'

interface MenuItem {
  readonly label: string
  readonly title: string
  readonly command: Command
  readonly active?: (state: EditorState) => boolean
}

/**
 * What a button is called for screen readers and voice control: its title,
 * after the label it shows when that is a word or number ("T1 — Título 1"),
 * so that saying what one sees names it (WCAG 2.5.3, Label in Name). Symbols
 * (¶, ↶) and the single letters B and I, drawn as the style they give, are
 * not words to say and are left out.
 */
function accessibleName({ label, title }: MenuItem): string {
  return label.length > 1 && /[\p{L}\p{N}]/u.test(label) ? `${label} — ${title}` : title
}

/**
 * The formatting toolbar, as a plugin view: each button asks its command
 * whether it applies (disabled if not) and shows whether it is active.
 */
export function menuPlugin(toolbar: HTMLElement, t: Translate): Plugin {
  const items: MenuItem[] = [
    { label: 'B', title: `${t('bold')} (Ctrl+B)`, command: commands.bold, active: (s) => markActive(s, schema.marks.strong) },
    { label: 'I', title: `${t('italic')} (Ctrl+I)`, command: commands.italic, active: (s) => markActive(s, schema.marks.em) },
    {
      label: 'URL',
      title: t('link'),
      command: toggleLink(() => {
        const href = window.prompt(t('linkPrompt'), 'https://')
        if (href && !isSafeHref(href)) window.alert(t('linkInvalid'))
        return href
      }),
      active: (s) => markActive(s, schema.marks.link)
    },
    { label: '¶', title: t('paragraph'), command: commands.paragraph, active: (s) => blockActive(s, 'paragraph') },
    ...([1, 2, 3] as const).map((level) => ({
      label: `T${level}`,
      title: `${t('heading')} ${level}`,
      command: commands.heading(level),
      active: (s: EditorState) => blockActive(s, 'heading', { level })
    })),
    { label: '•', title: t('bulletList'), command: commands.bulletList },
    { label: '1.', title: t('orderedList'), command: commands.orderedList },
    { label: '❝', title: t('blockquote'), command: commands.blockquote },
    { label: '⇤', title: t('lift'), command: commands.lift },
    { label: '⊞', title: `${t('insertTable')} (Ctrl+Alt+T)`, command: commands.table },
    { label: '+⊟', title: `${t('addRow')} (Ctrl+Alt+R)`, command: commands.addRow },
    { label: '+⊞', title: `${t('addColumn')} (Ctrl+Alt+C)`, command: commands.addColumn },
    { label: '¹', title: `${t('insertFootnote')} (Ctrl+Alt+F)`, command: commands.footnote },
    { label: '↶', title: `${t('undo')} (Ctrl+Z)`, command: commands.undo },
    { label: '↷', title: `${t('redo')} (Ctrl+Y)`, command: commands.redo }
  ]
  return new Plugin({
    view(view: EditorView) {
      const buttons = items.map((item) => {
        const button = h('button', { type: 'button', title: item.title, 'aria-label': accessibleName(item), class: 'menu-button' }, item.label)
        // The mouse must not take the selection from the text; the command runs
        // on click, which Enter and Space give to a keyboard user too.
        button.addEventListener('mousedown', (event) => event.preventDefault())
        button.addEventListener('click', () => {
          item.command(view.state, view.dispatch, view)
          view.focus()
        })
        toolbar.append(button)
        return { item, button }
      })
      const update = (state: EditorState) => {
        for (const { item, button } of buttons) {
          button.disabled = !view.editable || !item.command(state, undefined, view)
          button.classList.toggle('active', item.active?.(state) ?? false)
        }
      }
      update(view.state)
      return { update: (v) => update(v.state), destroy: () => toolbar.replaceChildren() }
    }
  })
}
