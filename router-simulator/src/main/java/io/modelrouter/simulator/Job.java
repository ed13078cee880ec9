package io.modelrouter.simulator;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** One inference request as its protocol parsed and checked it: what the server runs and answers. */
final class Job {

  /** What is asked for: the path it came on. */
  enum Kind {
    CHAT,
    COMPLETION,
    EMBEDDING,
    INFER;

    /** Whether it generates tokens, one by one (chat and completions). */
    boolean generatesText() {
      return this == CHAT || this == COMPLETION;
    }
  }

  /** The model name the request gave, the answer's {@code model}. */
  String requestedModel = "";
  /** The LoRA adapter it names, if any. */
  @Nullable String adapter;
  boolean stream;
  /** Whether its stream ends with a usage chunk: {@link OpenAiStream#sendsUsage}. */
  boolean streamUsage;
  int promptTokens;
  int outputTokens;
  List<String> embeddingInputs = List.of();
  double[] rowSums = new double[0];
  /** The OIP request's {@code id}, echoed in the answer. */
  @Nullable String oipId;
}
