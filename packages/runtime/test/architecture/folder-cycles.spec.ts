import { join } from 'node:path';
import { folderCycles, folderEdges, type FolderEdge } from './folder-graph';

// The folders of the runtime's source tree are its architecture (dispatcher, state, message,
// http-client, endpoints, …): arrows between them point one way, so no folder cycle may appear.

const edge = (from: string, to: string): FolderEdge => ({ from, to, file: `${from}/a.ts`, specifier: `../${to}/b` });

describe('folder cycles', () => {
  it('finds a cycle through three folders and names the imports that make it', () => {
    const cycles = folderCycles([edge('a', 'b'), edge('b', 'c'), edge('c', 'a'), edge('c', 'd')]);
    expect(cycles).toHaveLength(1);
    expect(cycles[0]?.folders).toEqual(['a', 'b', 'c']);
    expect(cycles[0]?.edges.map((e) => `${e.from}->${e.to}`)).toEqual(['a->b', 'b->c', 'c->a']);
  });

  it('finds none in a graph whose arrows point one way', () => {
    expect(folderCycles([edge('a', 'b'), edge('b', 'c'), edge('a', 'c')])).toEqual([]);
  });

  it('reads the edges of the real tree, package imports left out', () => {
    const edges = folderEdges(join(__dirname, '../../src'));
    expect(edges).toContainEqual(expect.objectContaining({ from: 'dispatcher', to: 'message' }));
    expect(edges.every((e) => !e.specifier.startsWith('@'))).toBe(true);
  });

  it('leaves no cycle between the folders of packages/runtime/src', () => {
    const cycles = folderCycles(folderEdges(join(__dirname, '../../src')));
    const report = cycles.map(({ folders, edges }) =>
      `${folders.join(' <-> ')}:\n${edges.map((e) => `  ${e.file} imports ${e.specifier}`).join('\n')}`,
    );
    expect(report).toEqual([]);
  });
});
