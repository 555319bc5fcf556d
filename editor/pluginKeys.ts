import { PluginKey } from 'prosemirror-state'
import type { DecorationSet } from 'prosemirror-view'
import type { CommentPluginState } from './comments/commentPlugin'
import type { BracketPluginState } from './negotiation/bracketPlugin'
import type { StatusMarginState } from './negotiation/statusMargin'

/** Plugin keys of the editor's own plugins, in one place (y-prosemirror has its own). */
export const blockIdPluginKey = new PluginKey('consenso-block-id')

/** The comment plugin: passages, proposals as tracked changes, the draft passage. */
export const commentPluginKey = new PluginKey<CommentPluginState>('consenso-comments')

/** The floating "Comment" button that follows the selection. */
export const commentButtonPluginKey = new PluginKey('consenso-comment-button')

/** Keeps the text read-only while it can still take a caret and a selection. */
export const readOnlyPluginKey = new PluginKey('consenso-read-only')

/** The block a citation link points at, marked for a moment. */
export const citedBlockPluginKey = new PluginKey<DecorationSet>('consenso-cited-block')

/** Brackets shown as [ ] around their passages, with their holders. */
export const bracketPluginKey = new PluginKey<BracketPluginState>('consenso-brackets')
/** The paragraph a meeting's chair is presenting, marked while the meeting follows it. */
export const meetingFocusPluginKey = new PluginKey<DecorationSet>('consenso-meeting-focus')
/** The standing of each paragraph in the margin of the text (issue 17). */
export const statusMarginPluginKey = new PluginKey<StatusMarginState>('consenso-status-margin')
