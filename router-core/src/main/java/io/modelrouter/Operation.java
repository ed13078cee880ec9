package io.modelrouter;

/** What a request asks a model to do; a model spec lists the operations it supports. */
public enum Operation {
  /** OpenAI {@code /v1/chat/completions}. */
  CHAT,
  /** OpenAI {@code /v1/completions}. */
  COMPLETION,
  /** OpenAI {@code /v1/embeddings}. */
  EMBEDDING,
  /** Open Inference Protocol {@code /v2/models/{name}/infer}. */
  INFER
}
