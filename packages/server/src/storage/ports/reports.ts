// Storage port of reported content.

export type ReportKind = 'event' | 'room' | 'user';

export interface ContentReport {
  id: number;
  kind: ReportKind;
  roomId: string | null;
  eventId: string | null;
  targetUserId: string | null;
  reporter: string;
  reason: string | null;
  receivedTs: number;
}

export interface ReportStore {
  add(report: Omit<ContentReport, 'id'>): Promise<number>;
  /** Reports of one kind, newest or oldest first, a page (offset, limit); and the total. */
  list(kind: ReportKind, q: { limit: number; offset: number; newestFirst: boolean }): Promise<{ reports: ContentReport[]; total: number }>;
}
