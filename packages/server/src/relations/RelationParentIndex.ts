// In-memory set of the event IDs that have at least one child of one relation
// type (thread roots for m.thread, edited events for m.replace), so the shared
// event serializer can tell in O(1) per event whether a bundled aggregation is
// due, without a query on every read. Loaded once (first use) from
// event_relations; the rooms pipeline reports new relations as they are built
// (RoomPipeline.onRelation). A parent whose children were all redacted stays in
// the set: its aggregation query then finds nothing and the event is served
// without one.
export class RelationParentIndex {
  private readonly ids = new Set<string>();
  private loading: Promise<void> | undefined;
  private loaded = false;

  constructor(private readonly load: () => Promise<string[]>) {}

  /** undefined once loaded; otherwise the promise of the (single) load. */
  ready(): Promise<void> | undefined {
    if (this.loaded) return undefined;
    return (this.loading ??= this.load().then(
      (ids) => {
        for (const id of ids) this.ids.add(id);
        this.loaded = true;
      },
      (err: unknown) => {
        this.loading = undefined;
        throw err;
      },
    ));
  }

  add(rootId: string): void {
    this.ids.add(rootId);
  }

  has(eventId: string): boolean {
    return this.ids.has(eventId);
  }
}
