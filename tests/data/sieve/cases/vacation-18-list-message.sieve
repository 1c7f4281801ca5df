# message: list.eml
# RFC 3834: mailroom sends no reply to list mail, but the action is taken
# (the reply is refused when it is carried out, as in Pigeonhole).
require "vacation";
vacation "away";
