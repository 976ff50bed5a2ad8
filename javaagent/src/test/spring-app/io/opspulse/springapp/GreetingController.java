package io.opspulse.springapp;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** Served through Spring MVC's DispatcherServlet on embedded Tomcat. The test rewrites VERSION. */
@RestController
class GreetingController {
  static final String VERSION = "v1";

  @GetMapping("/greetings/{name}")
  String greet(@PathVariable("name") String name) {
    return "hello " + name + " from " + VERSION;
  }

  @GetMapping("/health")
  String health() {
    return "up";
  }
}
