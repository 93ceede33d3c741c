import { z } from './zod.js';

const rating = (aspect: string) => z.number().int().min(1).max(5).openapi({ description: `${aspect}: 1 (poor) to 5 (excellent).`, example: 5 });

export const SubmitReviewSchema = z
  .object({
    ratings: z
      .object({ quality: rating('Quality of the work'), timeliness: rating('Timeliness'), communication: rating('Communication') })
      .strict(),
    comment: z.string().trim().min(5).max(2000).openapi({ example: '交付质量高，沟通顺畅，按期完成。' }),
  })
  .strict()
  .openapi('SubmitReview');

export const ReplyToReviewSchema = z
  .object({ text: z.string().trim().min(1).max(2000).openapi({ example: '感谢评价，期待再次合作。' }) })
  .strict()
  .openapi('ReplyToReview');

export const HideReviewSchema = z
  .object({ reason: z.string().trim().min(5).max(1000).openapi({ example: '评价包含与项目无关的人身攻击。' }) })
  .strict()
  .openapi('HideReview');
