/** An entry of the timer heap: due time, then creation order. */
export interface HeapEntry {
  readonly dueAt: number;
  readonly id: number;
}

/** A binary min-heap ordered by `dueAt`, then `id`, so equal due times fire in creation order. */
export class TimerHeap {
  readonly #items: HeapEntry[] = [];

  get size(): number {
    return this.#items.length;
  }

  peek(): HeapEntry | undefined {
    return this.#items[0];
  }

  push(entry: HeapEntry): void {
    const items = this.#items;
    items.push(entry);
    let index = items.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!before(items[index] as HeapEntry, items[parent] as HeapEntry)) break;
      swap(items, index, parent);
      index = parent;
    }
  }

  pop(): HeapEntry | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      items[0] = last;
      let index = 0;
      for (;;) {
        const left = 2 * index + 1;
        const right = left + 1;
        let smallest = index;
        if (left < items.length && before(items[left] as HeapEntry, items[smallest] as HeapEntry)) smallest = left;
        if (right < items.length && before(items[right] as HeapEntry, items[smallest] as HeapEntry)) smallest = right;
        if (smallest === index) break;
        swap(items, index, smallest);
        index = smallest;
      }
    }
    return top;
  }
}

function before(a: HeapEntry, b: HeapEntry): boolean {
  return a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.id < b.id);
}

function swap(items: HeapEntry[], a: number, b: number): void {
  const held = items[a] as HeapEntry;
  items[a] = items[b] as HeapEntry;
  items[b] = held;
}
