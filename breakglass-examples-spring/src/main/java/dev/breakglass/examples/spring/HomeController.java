package dev.breakglass.examples.spring;

import dev.breakglass.spring.security.BreakGlassAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** What a signed-in user sees; emergency sessions are labelled with their grant and requester. */
@RestController
public class HomeController {

  @GetMapping("/")
  public String home(Authentication who) {
    if (who instanceof BreakGlassAuthenticationToken emergency) {
      return "signed in as " + emergency.getName() + " with EMERGENCY ACCESS (grant " + emergency.grantId()
          + ", requested by " + emergency.requester() + ", until " + emergency.expiresAt() + ")\n";
    }
    return "signed in as " + who.getName() + "\n";
  }

  /** Only emergency sessions may open this page (the application decides what they may do). */
  @GetMapping("/emergency/console")
  public String console(Authentication who) {
    return "emergency console for " + who.getName() + "\n";
  }
}
