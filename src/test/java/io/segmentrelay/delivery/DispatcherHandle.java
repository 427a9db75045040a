package io.segmentrelay.delivery;

import org.springframework.context.ApplicationContext;

/** The package-private dispatcher, as tests in other packages drive it. */
public final class DispatcherHandle {

  private final Dispatcher dispatcher;
  private final DispatcherLoop loop;

  public DispatcherHandle(ApplicationContext context) {
    this.dispatcher = context.getBean(Dispatcher.class);
    this.loop = context.getBean(DispatcherLoop.class);
  }

  Dispatcher dispatcher() {
    return dispatcher;
  }

  DispatcherLoop loop() {
    return loop;
  }

  /** Sends everything due now in the calling thread; how many deliveries were processed. */
  public int runDue() {
    return dispatcher.runDue();
  }

  public void start() {
    loop.start();
  }

  public void stop() {
    loop.stop();
  }
}
