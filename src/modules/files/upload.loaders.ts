import DataLoader from 'dataloader';
import type { PrismaClient } from '../../generated/prisma/client';
import { toUpload, type Upload, uploadColumns } from './upload.type';

/** Uploads by id, for attachments the viewer may already see (the message's chat decides who). */
export function uploadLoader(prisma: PrismaClient): DataLoader<string, Upload | null> {
  return new DataLoader(async (ids) => {
    const rows = await prisma.upload.findMany({ where: { id: { in: [...ids] } }, select: uploadColumns });
    const byId = new Map(rows.map((row) => [row.id, toUpload(row)]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}
