import { PluginKey } from 'prosemirror-state'

/** Plugin keys of the editor's own plugins, in one place (y-prosemirror has its own). */
export const blockIdPluginKey = new PluginKey('consenso-block-id')
