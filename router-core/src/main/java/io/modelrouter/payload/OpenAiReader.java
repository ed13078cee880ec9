package io.modelrouter.payload;

import io.modelrouter.Operation;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Reads an OpenAI-compatible chat, completion or embedding request in one streaming pass: checks
 * the fields routing depends on (types, ranges, required fields) and gathers the model, the stream
 * flag, the output token limit, the message count, a prompt token estimate, tool/vision/audio use
 * and the prefix hash. Everything else is skipped (but still checked to be well-formed JSON and
 * valid UTF-8). One instance per request; allocates nothing unless it finds a problem, apart from
 * the model name.
 */
final class OpenAiReader {

  /**
   * Tokens a chat format adds per message (role and separators): 3 in OpenAI's published
   * counting recipe for its chat models, close to what Llama and Qwen templates add.
   */
  static final int TOKENS_PER_MESSAGE = 3;
  /** Tokens that prime the assistant's reply: 3, as in OpenAI's counting recipe. */
  static final int TOKENS_PER_REPLY = 3;
  /**
   * Tokens an image part is counted as: 765, what OpenAI bills for a 1024 x 1024 image at high
   * detail; the parser does not fetch or decode images.
   */
  static final int TOKENS_PER_IMAGE = 765;

  private static final int ROLE_NONE = 0;
  private static final int ROLE_USER = 3;
  private static final String[] ROLES = {"", "system", "developer", "user", "assistant", "tool", "function"};
  private static final String ROLE_LIST = "system, developer, user, assistant, tool or function";

  private final JsonParser p;
  private final Operation operation;
  private final Problems problems;
  /** Null for the built-in estimate, which the parser computes from {@link #promptChars}. */
  private final @Nullable TokenCounter counter;
  private final PrefixHash prefix;
  private final PrefixBlocks blocks;

  @Nullable String model;
  boolean stream;
  int maxOutputTokens;
  long promptTokens;
  /** Characters of prompt text, when {@link #counter} is null. */
  long promptChars;
  int messageCount;
  boolean tools;
  boolean vision;
  boolean audio;
  private boolean prefixClosed;

  OpenAiReader(
      JsonParser p, Operation operation, Problems problems, @Nullable TokenCounter counter, int prefixChars,
      int maxPrefixBlocks) {
    this.p = p;
    this.operation = operation;
    this.problems = problems;
    this.counter = counter;
    this.prefix = new PrefixHash(prefixChars);
    this.blocks = new PrefixBlocks(operation == Operation.EMBEDDING ? 0 : maxPrefixBlocks);
    this.prefixClosed = operation == Operation.EMBEDDING;
  }

  long prefixHash() {
    return prefix.value();
  }

  /** The prompt's block-hash chain: every message's text (or the first prompt), in order. */
  long[] prefixBlocks() {
    return blocks.chain();
  }

  void read() {
    JsonToken t = p.nextToken();
    if (t != JsonToken.START_OBJECT) {
      problems.add("", "the request body must be a JSON object", "object", Json.typeOf(t));
      return;
    }
    boolean sawModel = false;
    boolean sawBody = false;
    int maxTokens = -1;
    int maxCompletionTokens = -1;
    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
      String name = p.currentName();
      t = p.nextToken();
      switch (name) {
        case "model":
          sawModel = true;
          readModel(t);
          break;
        case "stream":
          stream = readBoolean("/stream", t);
          break;
        case "max_tokens":
          maxTokens = readCount("/max_tokens", t);
          break;
        case "max_completion_tokens":
          maxCompletionTokens = readCount("/max_completion_tokens", t);
          break;
        case "messages":
          if (operation == Operation.CHAT) {
            sawBody = true;
            readMessages(t);
          } else {
            p.skipChildren();
          }
          break;
        case "prompt":
          if (operation == Operation.COMPLETION) {
            sawBody = true;
            readPrompts("/prompt", t);
          } else {
            p.skipChildren();
          }
          break;
        case "input":
          if (operation == Operation.EMBEDDING) {
            sawBody = true;
            readPrompts("/input", t);
          } else {
            p.skipChildren();
          }
          break;
        case "tools":
        case "functions":
          if (t == JsonToken.START_ARRAY) {
            tools |= countStrings(t);
          } else if (t != JsonToken.VALUE_NULL) {
            problems.wrongType("/" + name, "array", t);
            p.skipChildren();
          }
          break;
        default:
          p.skipChildren();
          break;
      }
    }
    if (p.nextToken() != null) {
      problems.add("", "the request body has content after its JSON object", "one JSON object", "more JSON");
    }
    if (!sawModel) {
      problems.add("/model", "is required", "a model name", "nothing");
    }
    if (!sawBody) {
      String field = operation == Operation.CHAT ? "/messages" : operation == Operation.COMPLETION ? "/prompt" : "/input";
      problems.add(field, "is required", operation == Operation.CHAT ? "an array of messages" : "a prompt", "nothing");
    }
    maxOutputTokens = Math.max(maxCompletionTokens >= 0 ? maxCompletionTokens : maxTokens, 0);
    if (operation == Operation.CHAT && messageCount > 0) {
      promptTokens += TOKENS_PER_REPLY;
    }
  }

  private void readModel(JsonToken t) {
    if (t != JsonToken.VALUE_STRING) {
      problems.wrongType("/model", "string", t);
      p.skipChildren();
      return;
    }
    if (Json.stringBlank(p)) {
      problems.add("/model", "must name a model", "a non-blank string", "\"" + p.getString() + '"');
      return;
    }
    if (p.getStringLength() > 256) {
      problems.add("/model", "is too long", "at most 256 characters", p.getStringLength() + " characters");
      return;
    }
    model = p.getString().trim();
  }

  private boolean readBoolean(String pointer, JsonToken t) {
    if (t == JsonToken.VALUE_TRUE) {
      return true;
    }
    if (t != JsonToken.VALUE_FALSE && t != JsonToken.VALUE_NULL) {
      problems.wrongType(pointer, "boolean", t);
      p.skipChildren();
    }
    return false;
  }

  /** A non-negative int, or null; -1 when absent or invalid. */
  private int readCount(String pointer, JsonToken t) {
    if (t == JsonToken.VALUE_NULL) {
      return -1;
    }
    if (t != JsonToken.VALUE_NUMBER_INT) {
      problems.wrongType(pointer, "integer", t);
      p.skipChildren();
      return -1;
    }
    if (p.getNumberType() != JsonParser.NumberType.INT || p.getIntValue() < 0) {
      problems.add(pointer, "is out of range", "an integer 0.." + Integer.MAX_VALUE, p.getString());
      return -1;
    }
    return p.getIntValue();
  }

  private void readMessages(JsonToken t) {
    if (t != JsonToken.START_ARRAY) {
      problems.wrongType("/messages", "array", t);
      p.skipChildren();
      return;
    }
    int i = 0;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t != JsonToken.START_OBJECT) {
        problems.wrongType("/messages/" + i, "object", t);
        p.skipChildren();
      } else {
        readMessage(i);
      }
      i++;
    }
    messageCount = i;
    if (i == 0) {
      problems.add("/messages", "must hold at least one message", "a non-empty array", "an empty array");
    }
    promptTokens += (long) i * TOKENS_PER_MESSAGE;
  }

  private void readMessage(int index) {
    int role = ROLE_NONE;
    boolean hashing = !prefixClosed;
    JsonToken t;
    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
      String name = p.currentName();
      t = p.nextToken();
      switch (name) {
        case "role":
          role = readRole(index, t);
          break;
        case "content":
          readContent(index, t, hashing);
          break;
        case "tool_calls":
        case "function_call":
          countStrings(t);
          break;
        default:
          p.skipChildren();
          break;
      }
    }
    if (role == ROLE_NONE) {
      problems.add("/messages/" + index + "/role", "is required", ROLE_LIST, "nothing");
    }
    blocks.add(Math.max(role, 0) + 0x10000, 1);
    if (hashing) {
      prefix.add(Math.max(role, 0) + 0x10000);
      if (role == ROLE_USER) {
        prefixClosed = true;
      }
    }
  }

  /** The role's index in {@link #ROLES}; -1 after reporting a bad role. */
  private int readRole(int index, JsonToken t) {
    if (t != JsonToken.VALUE_STRING) {
      problems.wrongType("/messages/" + index + "/role", "string", t);
      p.skipChildren();
      return -1;
    }
    for (int r = 1; r < ROLES.length; r++) {
      if (Json.stringEquals(p, ROLES[r])) {
        return r;
      }
    }
    problems.add("/messages/" + index + "/role", "is not a known role", ROLE_LIST, Json.clip(p.getString()));
    return -1;
  }

  private void readContent(int index, JsonToken t, boolean hashing) {
    switch (t) {
      case VALUE_STRING:
        text(hashing, true);
        break;
      case VALUE_NULL:
        break;
      case START_ARRAY:
        int part = 0;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
          if (t != JsonToken.START_OBJECT) {
            problems.wrongType("/messages/" + index + "/content/" + part, "object", t);
            p.skipChildren();
          } else {
            readPart(index, part, hashing);
          }
          part++;
        }
        break;
      default:
        problems.wrongType("/messages/" + index + "/content", "string, array or null", t);
        p.skipChildren();
        break;
    }
  }

  private void readPart(int index, int part, boolean hashing) {
    boolean typed = false;
    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      if (name.equals("type")) {
        if (t != JsonToken.VALUE_STRING) {
          problems.wrongType("/messages/" + index + "/content/" + part + "/type", "string", t);
          p.skipChildren();
          typed = true;
          continue;
        }
        typed = true;
        if (Json.stringEquals(p, "image_url") || Json.stringEquals(p, "input_image")) {
          vision = true;
          promptTokens += TOKENS_PER_IMAGE;
        } else if (Json.stringEquals(p, "input_audio")) {
          audio = true;
        }
      } else if (name.equals("text") && t == JsonToken.VALUE_STRING) {
        text(hashing, true);
      } else {
        p.skipChildren();
      }
    }
    if (!typed) {
      problems.add("/messages/" + index + "/content/" + part + "/type", "is required", "text, image_url, input_audio, ...", "nothing");
    }
  }

  /**
   * Counts the current string's tokens and, while the prefix is open, hashes it; adds it to the
   * block chain when it is part of the prompt ({@code inChain}).
   */
  private void text(boolean hashing, boolean inChain) {
    char[] buf = p.getStringCharacters();
    int off = p.getStringOffset();
    int len = p.getStringLength();
    if (counter != null) {
      promptTokens += counter.count(buf, off, len);
    } else {
      promptChars += len;
    }
    if (hashing) {
      prefix.add(buf, off, len);
    }
    if (inChain) {
      blocks.add(buf, off, len);
    }
  }

  /**
   * Reads a completion prompt or an embedding input: a string, an array of strings, an array of
   * token ids, or an array of arrays of token ids.
   */
  private void readPrompts(String pointer, JsonToken t) {
    boolean hashing = !prefixClosed;
    if (t == JsonToken.VALUE_STRING) {
      text(hashing, true);
      messageCount = 1;
      return;
    }
    if (t != JsonToken.START_ARRAY) {
      problems.wrongType(pointer, "string or array", t);
      p.skipChildren();
      return;
    }
    int i = 0;
    int kind = 0; // 1 strings, 2 token ids, 3 arrays of token ids
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      int k = t == JsonToken.VALUE_STRING ? 1 : t == JsonToken.VALUE_NUMBER_INT ? 2 : t == JsonToken.START_ARRAY ? 3 : 0;
      if (k == 0) {
        problems.wrongType(pointer + '/' + i, "string, token id or array of token ids", t);
        p.skipChildren();
      } else if (kind != 0 && k != kind) {
        problems.add(pointer + '/' + i, "mixes kinds of prompt", kind == 1 ? "string" : kind == 2 ? "token id" : "array of token ids", Json.typeOf(t));
        p.skipChildren();
      } else {
        kind = k;
        if (k == 1) {
          text(hashing && i == 0, i == 0);
        } else if (k == 2) {
          tokenId(pointer + '/' + i, hashing, true);
        } else {
          int j = 0;
          while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_NUMBER_INT) {
              problems.wrongType(pointer + '/' + i + '/' + j, "token id", t);
              p.skipChildren();
            } else {
              tokenId(pointer + '/' + i + '/' + j, hashing && i == 0, i == 0);
            }
            j++;
          }
          if (j == 0) {
            problems.add(pointer + '/' + i, "must hold at least one token id", "a non-empty array", "an empty array");
          }
        }
      }
      i++;
    }
    if (i == 0) {
      problems.add(pointer, "must hold at least one prompt", "a non-empty array", "an empty array");
    }
    messageCount = kind == 2 ? 1 : i;
  }

  private void tokenId(String pointer, boolean hashing, boolean inChain) {
    if (p.getNumberType() != JsonParser.NumberType.INT || p.getIntValue() < 0) {
      problems.add(pointer, "is not a token id", "an integer 0.." + Integer.MAX_VALUE, p.getString());
      return;
    }
    promptTokens++;
    if (hashing) {
      prefix.add(p.getIntValue());
    }
    if (inChain) {
      blocks.add(p.getIntValue(), PrefixBlocks.CHARS_PER_TOKEN);
    }
  }

  /**
   * Consumes the current value, counting the tokens of its strings and property names into the
   * prompt (tool definitions and calls are part of what the model reads).
   *
   * @return whether the value was a non-empty array
   */
  private boolean countStrings(JsonToken first) {
    if (first != JsonToken.START_ARRAY && first != JsonToken.START_OBJECT) {
      if (first == JsonToken.VALUE_STRING) {
        text(false, false);
      }
      return false;
    }
    boolean nonEmpty = false;
    int depth = 1;
    while (depth > 0) {
      JsonToken t = p.nextToken();
      switch (t) {
        case START_ARRAY:
        case START_OBJECT:
          depth++;
          nonEmpty = true;
          break;
        case END_ARRAY:
        case END_OBJECT:
          depth--;
          break;
        case PROPERTY_NAME:
          int length = p.currentName().length();
          if (counter != null) {
            promptTokens += (length + 3) >>> 2;
          } else {
            promptChars += length;
          }
          break;
        case VALUE_STRING:
          text(false, false);
          nonEmpty = true;
          break;
        default:
          nonEmpty = true;
          break;
      }
    }
    return first == JsonToken.START_ARRAY && nonEmpty;
  }
}
