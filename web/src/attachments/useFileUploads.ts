import type { ApolloClient } from '@apollo/client';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { OutgoingAttachment } from '../chat/outbox';
import { useServices } from '../messenger/services';
import { FileUpload, type UploadApi, type UploadState } from './file-upload';
import { sendBytes } from './send-bytes';
import { CompleteUploadMutation, RequestUploadMutation } from './upload.operations';

/** A file picked for the next message, with a local preview while it is an image. */
export interface PickedFile extends UploadState {
  previewUrl: string | null;
}

export interface FileUploads {
  files: PickedFile[];
  add(files: Iterable<File>): void;
  remove(key: string): void;
  retry(key: string): void;
  /** After the message went: the tray empties (its uploads belong to the message now). */
  clear(): void;
  /** The files that are READY, in the order picked. */
  ready: OutgoingAttachment[];
  uploading: number;
  failed: number;
}

/** Parley's upload steps through Apollo Client, kept out of the cache (an upload is not shown anywhere). */
export function uploadApi(client: ApolloClient): UploadApi {
  return {
    request: async (file) => {
      const { data } = await client.mutate({
        mutation: RequestUploadMutation,
        variables: { input: { purpose: 'ATTACHMENT', ...file } },
        fetchPolicy: 'no-cache',
        errorPolicy: 'none',
      });
      const { upload, method, url, headers, expiresAt } = data.requestUpload;
      return { uploadId: upload.id, method, url, headers, expiresAt };
    },
    send: sendBytes,
    complete: async (uploadId) => {
      const { data } = await client.mutate({ mutation: CompleteUploadMutation, variables: { uploadId }, fetchPolicy: 'no-cache', errorPolicy: 'none' });
      return data.completeUpload;
    },
  };
}

/**
 * The files of the message being written: each starts uploading as soon as it is picked, shows
 * its progress and, on failure, why (with a retry that goes on where it stopped).
 */
export function useFileUploads(): FileUploads {
  const { client } = useServices();
  const api = useMemo(() => uploadApi(client), [client]);
  const [files, setFiles] = useState<PickedFile[]>([]);
  const jobs = useRef(new Map<string, { upload: FileUpload; previewUrl: string | null }>());

  const add = useCallback(
    (picked: Iterable<File>) => {
      for (const file of picked) {
        const key = crypto.randomUUID();
        const previewUrl = file.type.startsWith('image/') ? URL.createObjectURL(file) : null;
        const upload = new FileUpload(key, file, api, (state) =>
          setFiles((list) => list.map((item) => (item.key === key ? { ...state, previewUrl } : item))),
        );
        jobs.current.set(key, { upload, previewUrl });
        setFiles((list) => [...list, { ...upload.state, previewUrl }]);
        void upload.run();
      }
    },
    [api],
  );
  const forget = useCallback((key: string, cancel: boolean) => {
    const job = jobs.current.get(key);
    if (!job) return;
    if (cancel) job.upload.cancel();
    if (job.previewUrl) URL.revokeObjectURL(job.previewUrl);
    jobs.current.delete(key);
  }, []);
  const remove = useCallback(
    (key: string) => {
      forget(key, true);
      setFiles((list) => list.filter((item) => item.key !== key));
    },
    [forget],
  );
  const retry = useCallback((key: string) => void jobs.current.get(key)?.upload.run(), []);
  const clear = useCallback(() => {
    for (const key of [...jobs.current.keys()]) forget(key, false);
    setFiles([]);
  }, [forget]);
  // Leaving the chat stops what is still on its way.
  useEffect(() => {
    const running = jobs.current;
    return () => [...running.keys()].forEach((key) => forget(key, true));
  }, [forget]);

  const ready = files.flatMap((file) => (file.attachment ? [file.attachment] : []));
  const failed = files.filter((file) => file.phase === 'failed').length;
  return { files, add, remove, retry, clear, ready, failed, uploading: files.length - ready.length - failed };
}
