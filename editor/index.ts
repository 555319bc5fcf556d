/** The Consenso browser app. */
export { App } from './App'
export { DocumentEditor, type ConnectionState, type DocumentEditorOptions } from './DocumentEditor'
