import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultDataDir } from '../../src/storage/index.js';

test('the default data directory: LINGUA_DATA_DIR, else the platform user data directory', () => {
  assert.equal(defaultDataDir({ LINGUA_DATA_DIR: '/srv/lingua', XDG_DATA_HOME: '/x' }, 'linux', '/home/u'), '/srv/lingua');
  assert.equal(defaultDataDir({ XDG_DATA_HOME: '/data' }, 'linux', '/home/u'), '/data/lingua');
  assert.equal(defaultDataDir({ XDG_DATA_HOME: 'relative' }, 'linux', '/home/u'), '/home/u/.local/share/lingua', 'XDG paths must be absolute');
  assert.equal(defaultDataDir({}, 'freebsd', '/home/u'), '/home/u/.local/share/lingua');
  assert.equal(defaultDataDir({}, 'darwin', '/Users/u'), '/Users/u/Library/Application Support/lingua');
  assert.match(defaultDataDir({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32', 'C:\\Users\\u'), /AppData.Local.lingua$/);
});
