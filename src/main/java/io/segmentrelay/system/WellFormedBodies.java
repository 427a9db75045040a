package io.segmentrelay.system;

import java.lang.reflect.Type;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;
import tools.jackson.databind.JsonNode;

/**
 * Refuses a management API body holding a lone surrogate or nesting too deep, naming the field,
 * before any controller stores it: a name stored with one would break every list that shows it.
 */
@ControllerAdvice
class WellFormedBodies extends RequestBodyAdviceAdapter {

  @Override
  public boolean supports(MethodParameter parameter, Type targetType,
      Class<? extends HttpMessageConverter<?>> converterType) {
    return targetType instanceof Class<?> type && JsonNode.class.isAssignableFrom(type);
  }

  @Override
  public Object afterBodyRead(Object body, HttpInputMessage inputMessage, MethodParameter parameter,
      Type targetType, Class<? extends HttpMessageConverter<?>> converterType) {
    var errors = InputChecks.wellFormed((JsonNode) body);
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
    return body;
  }
}
