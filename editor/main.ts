import { App } from './index'

const root = document.getElementById('app')
if (root) void new App(root).start()
