// Storage port of the media repository: metadata of local uploads.

export interface LocalMedia {
  mediaId: string;
  contentType: string;
  uploadName: string | null;
  size: number;
  sha256: string;
  userId: string;
  createdTs: number;
}

export interface PendingMedia {
  mediaId: string;
  userId: string;
  expiresTs: number;
}

export interface MediaStore {
  /** Stores the upload's row; for a reserved ID also drops its reservation (one transaction). */
  insert(media: LocalMedia): Promise<void>;
  get(mediaId: string): Promise<LocalMedia | undefined>;
  reserve(pending: PendingMedia): Promise<void>;
  reservation(mediaId: string): Promise<PendingMedia | undefined>;
  /** The user's reservations not expired at `nowTs` and not yet uploaded. */
  countReservations(userId: string, nowTs: number): Promise<number>;
}
