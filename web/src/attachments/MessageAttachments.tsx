import { useApolloClient } from '@apollo/client/react';
import { useRef } from 'react';
import type { MessageFieldsFragment } from '../gql/graphql';
import { formatSize } from '../ui/file-size';
import { FileIcon } from '../ui/icons';
import { MessageLinksQuery } from './upload.operations';

type Attachment = MessageFieldsFragment['attachments'][number];

/** A preview fits this box (CSS pixels), its proportions kept; Parley's previews are at most 320 px. */
const PREVIEW_BOX = 240;

export function previewSize(width: number | null, height: number | null, box = PREVIEW_BOX): { width: number; height: number } | null {
  if (!width || !height) return null;
  const scale = Math.min(1, box / width, box / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

interface MessageAttachmentsProps {
  attachments: Attachment[];
  /** The stored message's place, to ask for fresh links when these expired; null while it is on its way. */
  source: { chatId: string; createdAt: string } | null;
}

/**
 * A message's files: images as previews (a click opens the full picture), anything else as a
 * row with its name and size that downloads it. Links are signed and expire: a preview that no
 * longer loads asks Parley for the message's current links, once per link.
 */
export function MessageAttachments({ attachments, source }: MessageAttachmentsProps) {
  const client = useApolloClient();
  const refreshedFor = useRef<string | null>(null);
  const refresh = (failedUrl: string) => {
    if (!source || refreshedFor.current === failedUrl) return;
    refreshedFor.current = failedUrl;
    client.query({ query: MessageLinksQuery, variables: { chatId: source.chatId, at: source.createdAt }, fetchPolicy: 'network-only' }).catch(() => {});
  };
  const images = attachments.filter((attachment) => attachment.thumbnailUrl);
  const files = attachments.filter((attachment) => !attachment.thumbnailUrl);

  return (
    <>
      {images.length > 0 && (
        <div className="attachment-images">
          {images.map((image, index) => {
            const size = previewSize(image.width, image.height);
            const name = image.name ?? 'Image';
            return (
              <a key={index} className="attachment-image" href={image.url} target="_blank" rel="noopener noreferrer" title={`Open ${name}`}>
                <img src={image.thumbnailUrl!} alt={name} width={size?.width} height={size?.height} loading="lazy" onError={() => refresh(image.thumbnailUrl!)} />
              </a>
            );
          })}
        </div>
      )}
      {files.length > 0 && (
        <ul className="attachment-files">
          {files.map((file, index) => (
            <li key={index}>
              <a className="attachment-file" href={file.url} target="_blank" rel="noopener noreferrer" download={file.name ?? undefined}>
                <FileIcon />
                <span className="attachment-file-name">{file.name ?? file.url}</span>
                {file.sizeBytes != null && <span className="attachment-file-size">{formatSize(file.sizeBytes)}</span>}
              </a>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
