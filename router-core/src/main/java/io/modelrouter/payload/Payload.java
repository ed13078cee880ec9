package io.modelrouter.payload;

import io.modelrouter.Operation;
import io.modelrouter.Protocol;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The body of one parsed request, carried in {@link io.modelrouter.RouteRequest#payload()}: the
 * original bytes for the forwarder, the facts the parser read from them, and, built only when
 * something asks for it (an input JSON Schema its streaming check could not settle), the body as a
 * Jackson tree.
 *
 * <p>The parser reads the body in one streaming pass and builds no tree: a request whose model has
 * no input schema never pays for one. {@link #json()} builds the tree once, on first use.
 *
 * <p>Thread-safe. The byte array is the caller's, not copied: nobody may modify it.
 */
public final class Payload {

  private final Protocol protocol;
  private final Operation operation;
  private final byte[] body;
  private final int messageCount;
  private final ObjectMapper mapper;
  private volatile @Nullable JsonNode json;

  Payload(Protocol protocol, Operation operation, byte[] body, int messageCount, ObjectMapper mapper) {
    this.protocol = protocol;
    this.operation = operation;
    this.body = body;
    this.messageCount = messageCount;
    this.mapper = mapper;
  }

  public Protocol protocol() {
    return protocol;
  }

  public Operation operation() {
    return operation;
  }

  /**
   * The request body exactly as received, to forward unchanged. Not a copy: do not modify it.
   */
  public byte[] bytes() {
    return body;
  }

  /** The body's length in bytes. */
  public int length() {
    return body.length;
  }

  /**
   * The number of chat messages ({@link Operation#CHAT}), prompts ({@link Operation#COMPLETION}),
   * embedding inputs ({@link Operation#EMBEDDING}) or input tensors ({@link Operation#INFER}).
   */
  public int messageCount() {
    return messageCount;
  }

  /**
   * The body as a Jackson tree, built on first call with the parser's read constraints. The body
   * was already checked by the parser, so this does not fail for a payload the parser accepted.
   * The tree is shared: do not modify it.
   */
  public JsonNode json() {
    JsonNode node = json;
    if (node == null) {
      node = mapper.readTree(body);
      json = node;
    }
    return node;
  }

  @Override
  public String toString() {
    return "Payload{" + protocol + ' ' + operation + ", " + body.length + " bytes, messages=" + messageCount + '}';
  }
}
