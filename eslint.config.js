// The rules the code already follows, checked: typescript-eslint's
// recommended set, and the layering of STYLE.md (src/ pure, the browser app
// without Node, the server without the DOM, each folder through its index).
import tseslint from 'typescript-eslint'

const nodeModules = { group: ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'http', 'https', 'net'], message: 'Node is for the server, storage and CLIs.' }

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'test-results/', '.scratch/', 'data/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }]
    }
  },
  {
    // Tests read deep into whatever the server answered (body.comment.anchor.text):
    // typing each answer again would only repeat the server's types.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' }
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            nodeModules,
            { group: ['express', 'lowdb', 'lowdb/*', 'ws', 'y-websocket', 'multer', 'mammoth', 'docx', 'linkedom'], message: 'src/ is the pure domain core: no transport, storage or file formats.' },
            { group: ['../server/*', '../storage/*', '../editor/*', '../server', '../storage', '../editor'], message: 'src/ imports nothing of the other layers.' }
          ]
        }
      ]
    }
  },
  {
    files: ['editor/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            nodeModules,
            { group: ['**/server', '**/server/*', '**/storage', '**/storage/*'], message: 'The browser app reaches the server through the API and src/, never its code.' }
          ]
        }
      ]
    }
  },
  {
    files: ['server/**/*.ts', 'storage/**/*.ts', 'cli/**/*.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'window', message: 'No DOM on the server.' },
        { name: 'document', message: 'No DOM on the server (linkedom gives a document where one is needed).' },
        { name: 'navigator', message: 'No DOM on the server.' },
        { name: 'localStorage', message: 'No DOM on the server.' },
        { name: 'location', message: 'No DOM on the server.' }
      ],
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/editor', '**/editor/*'], message: 'The server never imports the browser app.' }] }]
    }
  }
)
