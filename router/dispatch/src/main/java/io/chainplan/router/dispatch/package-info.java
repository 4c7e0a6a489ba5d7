/** The library a serving router embeds: plan subscription and JFFC dispatch. */
package io.chainplan.router.dispatch;
