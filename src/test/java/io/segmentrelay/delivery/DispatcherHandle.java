package io.segmentrelay.delivery;

import org.springframework.context.ApplicationContext;

/** The package-private dispatcher, as tests in other packages drive it. */
public final class DispatcherHandle {

  private final Dispatcher dispatcher;

  public DispatcherHandle(ApplicationContext context) {
    this.dispatcher = context.getBean(Dispatcher.class);
  }

  Dispatcher dispatcher() {
    return dispatcher;
  }

  /** Sends everything due now in the calling thread; how many deliveries were processed. */
  public int runDue() {
    return dispatcher.runDue();
  }

  public void start() {
    dispatcher.start();
  }

  public void stop() {
    dispatcher.stop();
  }
}
