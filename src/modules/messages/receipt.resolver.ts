import { Arg, Authorized, ID, Int, Mutation, Resolver } from 'type-graphql';
import type { Viewer } from '../../auth/authenticator';
import { CurrentUser } from '../../auth/auth-checker';
import { ReadReceipt } from './message.type';
import type { ReceiptService } from './receipt.service';

@Resolver(() => ReadReceipt)
export class ReceiptResolver {
  constructor(private readonly receiptService: ReceiptService) {}

  @Authorized()
  @Mutation(() => ReadReceipt, {
    description: "Moves the viewer's read (and delivered) pointer forward to upToSeq, never back. Defaults to the chat's lastSeq.",
  })
  async markChatRead(
    @Arg('chatId', () => ID) chatId: string,
    @Arg('upToSeq', () => Int, { nullable: true }) upToSeq: number | null,
    @CurrentUser() viewer: Viewer,
  ): Promise<ReadReceipt> {
    return (await this.receiptService.markRead(viewer.userId, chatId, upToSeq)).receipt;
  }

  @Authorized()
  @Mutation(() => ReadReceipt, { description: "Moves the viewer's delivered pointer forward, never back." })
  async markChatDelivered(
    @Arg('chatId', () => ID) chatId: string,
    @Arg('upToSeq', () => Int) upToSeq: number,
    @CurrentUser() viewer: Viewer,
  ): Promise<ReadReceipt> {
    return (await this.receiptService.markDelivered(viewer.userId, chatId, upToSeq)).receipt;
  }
}
