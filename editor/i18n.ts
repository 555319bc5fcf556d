/** The interface languages: Spanish first, English available. */
export type Language = 'es' | 'en'

const es = {
  appName: 'Consenso',
  tagline: 'Redacción colaborativa de textos negociados',
  signIn: 'Iniciar sesión',
  username: 'Usuario',
  password: 'Contraseña',
  signOut: 'Cerrar sesión',
  wrongCredentials: 'Usuario o contraseña incorrectos.',
  networkError: 'No se pudo contactar con el servidor.',
  documents: 'Documentos',
  noDocuments: 'Su cuenta no tiene acceso a ningún documento.',
  open: 'Abrir',
  canEdit: 'edición',
  readOnlyTag: 'solo lectura',
  back: '← Documentos',
  connected: 'Conectado',
  connecting: 'Conectando…',
  reconnecting: 'Reconectando… sus cambios se guardan y se fusionarán',
  offline: 'Sin conexión: sus cambios se conservan y se fusionarán al reconectar',
  synced: 'Todos los cambios guardados en el servidor',
  unsynced: 'Cambios pendientes de enviar',
  readOnly: 'Solo lectura: su rol no permite modificar el texto. Verá en vivo los cambios de la Presidencia.',
  sessionEnded: 'Su sesión ha terminado. Inicie sesión de nuevo.',
  forbidden: 'Su cuenta no tiene acceso a este documento.',
  notFound: 'El documento no existe.',
  closedByServer: 'El servidor cerró la conexión',
  present: 'Presentes',
  bold: 'Negrita',
  italic: 'Cursiva',
  link: 'Enlace',
  linkPrompt: 'Dirección del enlace (https://… o mailto:…)',
  linkInvalid: 'Solo se admiten enlaces https://, http:// o mailto:.',
  paragraph: 'Párrafo',
  heading: 'Título',
  bulletList: 'Lista con viñetas',
  orderedList: 'Lista numerada',
  blockquote: 'Cita',
  lift: 'Quitar sangría',
  undo: 'Deshacer',
  redo: 'Rehacer',
  language: 'Idioma',
  role_ppt: 'Presidencia Pro Tempore',
  role_secretariat: 'Secretaría Ejecutiva',
  role_delegate: 'Delegación',
  role_reviewer: 'Revisión',
  role_observer: 'Observación',
  createdOn: 'Creado el',
  loading: 'Cargando…',
  words: 'palabras',
  copyCitation: 'Copiar enlace a este párrafo',
  citationCopied: 'Enlace copiado'
}

type Messages = typeof es
export type MessageKey = keyof Messages

const en: Messages = {
  appName: 'Consenso',
  tagline: 'Collaborative drafting of negotiated texts',
  signIn: 'Sign in',
  username: 'Username',
  password: 'Password',
  signOut: 'Sign out',
  wrongCredentials: 'Wrong username or password.',
  networkError: 'Could not reach the server.',
  documents: 'Documents',
  noDocuments: 'Your account has access to no document.',
  open: 'Open',
  canEdit: 'editing',
  readOnlyTag: 'read only',
  back: '← Documents',
  connected: 'Connected',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting… your edits are kept and will be merged',
  offline: 'Offline: your edits are kept and will be merged on reconnection',
  synced: 'All changes saved to the server',
  unsynced: 'Changes waiting to be sent',
  readOnly: "Read only: your role may not change the text. You see the Presidency's changes live.",
  sessionEnded: 'Your session has ended. Please sign in again.',
  forbidden: 'Your account has no access to this document.',
  notFound: 'The document does not exist.',
  closedByServer: 'The server closed the connection',
  present: 'Present',
  bold: 'Bold',
  italic: 'Italic',
  link: 'Link',
  linkPrompt: 'Link address (https://… or mailto:…)',
  linkInvalid: 'Only https://, http:// or mailto: links are allowed.',
  paragraph: 'Paragraph',
  heading: 'Heading',
  bulletList: 'Bullet list',
  orderedList: 'Numbered list',
  blockquote: 'Quote',
  lift: 'Outdent',
  undo: 'Undo',
  redo: 'Redo',
  language: 'Language',
  role_ppt: 'Pro-Tempore Presidency',
  role_secretariat: 'Executive Secretariat',
  role_delegate: 'Delegation',
  role_reviewer: 'Review',
  role_observer: 'Observer',
  createdOn: 'Created on',
  loading: 'Loading…',
  words: 'words',
  copyCitation: 'Copy a link to this paragraph',
  citationCopied: 'Link copied'
}

const messages: Record<Language, Messages> = { es, en }

const STORAGE_KEY = 'consenso.language'

/** The language chosen earlier in this browser, Spanish otherwise. */
export function initialLanguage(): Language {
  const saved = globalThis.localStorage?.getItem(STORAGE_KEY)
  return saved === 'en' ? 'en' : 'es'
}

export function saveLanguage(language: Language): void {
  globalThis.localStorage?.setItem(STORAGE_KEY, language)
}

/** A translator for one language. */
export const translator =
  (language: Language) =>
  (key: MessageKey): string =>
    messages[language][key]

export type Translate = ReturnType<typeof translator>

/** A date-time in the reader's local form (data stays ISO). */
export const formatDate = (iso: string, language: Language): string =>
  new Intl.DateTimeFormat(language === 'es' ? 'es' : 'en', { dateStyle: 'long', timeStyle: 'short' }).format(new Date(iso))
