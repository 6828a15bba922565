/**
 * Spring Boot 4 auto-configuration for breakglass: the {@code BreakGlass} bean from {@code breakglass.*}
 * properties, emergency sign-in through Spring Security, the actuator health indicator and endpoint,
 * Micrometer metrics, application events and the approval console. Spring Security, the actuator and Micrometer are
 * optional: each part switches on when its library is present.
 */
module dev.breakglass.spring {
  requires transitive dev.breakglass.api;
  requires transitive dev.breakglass.core;
  requires transitive spring.core;
  requires transitive spring.beans;
  requires transitive spring.context;
  requires transitive spring.boot;
  requires transitive spring.boot.autoconfigure;
  requires static spring.security.core;
  requires static spring.security.config;
  requires static spring.security.crypto;
  requires static spring.security.web;
  requires static spring.web;
  requires static jakarta.servlet;
  requires static dev.breakglass.console;
  requires static spring.boot.actuator;
  requires static spring.boot.actuator.autoconfigure;
  requires static spring.boot.health;
  requires static micrometer.core;
  requires static org.jspecify;
  requires org.slf4j;

  exports dev.breakglass.spring.boot;
  exports dev.breakglass.spring.boot.actuate;
  exports dev.breakglass.spring.security;

  opens dev.breakglass.spring.boot to spring.core, spring.beans, spring.context;
  opens dev.breakglass.spring.boot.actuate to spring.core, spring.beans, spring.context;
}
