package io.segmentrelay.sandbox;

import jakarta.servlet.ServletResponse;
import jakarta.servlet.ServletResponseWrapper;
import java.lang.reflect.Field;

/**
 * Closes a servlet request's connection without sending a response, which the Servlet API has no
 * call for. Works on Tomcat (the relay's container) by asking its connector to close the socket
 * now; reflection keeps the sandbox free of a compile-time dependency on Tomcat internals.
 */
final class ConnectionDrop {

  private static final String TOMCAT_FACADE = "org.apache.catalina.connector.ResponseFacade";

  private ConnectionDrop() {}

  /**
   * Drops the connection of {@code response}, which must not be committed yet.
   *
   * @return true when dropped; false when the container does not allow it (nothing was done)
   */
  static boolean tryDrop(ServletResponse response) {
    ServletResponse inner = unwrap(response);
    if (!inner.getClass().getName().equals(TOMCAT_FACADE) || inner.isCommitted()) {
      return false;
    }
    try {
      closeNow(inner);
      return true;
    } catch (ReflectiveOperationException | RuntimeException ex) {
      return false;
    }
  }

  private static ServletResponse unwrap(ServletResponse response) {
    ServletResponse inner = response;
    while (inner instanceof ServletResponseWrapper wrapper) {
      inner = wrapper.getResponse();
    }
    return inner;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void closeNow(ServletResponse facade) throws ReflectiveOperationException {
    Field field = facade.getClass().getDeclaredField("response");
    field.setAccessible(true);
    Object connectorResponse = field.get(facade);
    Object coyoteResponse =
        connectorResponse.getClass().getMethod("getCoyoteResponse").invoke(connectorResponse);
    Class actionCode =
        Class.forName(
            "org.apache.coyote.ActionCode", false, coyoteResponse.getClass().getClassLoader());
    // CLOSE_NOW is what Tomcat itself uses to abort a broken response: no bytes, socket closed.
    coyoteResponse
        .getClass()
        .getMethod("action", actionCode, Object.class)
        .invoke(coyoteResponse, Enum.valueOf(actionCode, "CLOSE_NOW"), null);
  }
}
