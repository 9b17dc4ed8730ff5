// Storage port of server-side search: the full-text index and its progress.

/** The searchable fields (search.yaml `keys`). */
export type SearchKey = 'content.body' | 'content.name' | 'content.topic';

export interface SearchDoc {
  eventNid: number;
  roomNid: number;
  key: SearchKey;
  value: string;
}

export interface SearchQuery {
  /** Words, each matched as a prefix (the index's tokenizer decides what a word is). */
  words: readonly string[];
  roomNids: readonly number[];
  keys: readonly SearchKey[];
  order: 'rank' | 'recent';
  /** recent: only events below this stream position. */
  beforePos?: number;
  /** rank: skip this many. */
  offset?: number;
  limit: number;
}

export interface SearchHit {
  eventId: string;
  eventNid: number;
  roomNid: number;
  streamPos: number;
  /** Higher is better. */
  rank: number;
}

export interface SearchStore {
  indexedThrough(): Promise<number>;
  /** Event rows (stream_pos in (after, upto], searchable types, at most `limit`) to index, oldest first. */
  unindexed(after: number, upto: number, limit: number): Promise<{ eventNid: number; roomNid: number; streamPos: number; type: string; json: string }[]>;
  /** Adds the documents, drops those of redacted events, and moves the progress mark, in one transaction. */
  index(docs: readonly SearchDoc[], redactedEventIds: readonly string[], indexedThrough: number): Promise<void>;
  /** Matching unredacted events, best first (rank) or newest first (recent); plus the total count. */
  search(q: SearchQuery): Promise<{ hits: SearchHit[]; count: number }>;
}
