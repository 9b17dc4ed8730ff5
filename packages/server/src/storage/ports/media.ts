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

export interface MediaStore {
  insert(media: LocalMedia): Promise<void>;
  get(mediaId: string): Promise<LocalMedia | undefined>;
}
