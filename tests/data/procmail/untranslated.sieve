# Converted from a procmailrc by mailroom sieve from-procmail.
# Recipes with no Sieve form: each is listed with its line and reason.
# PATH=/usr/bin:/bin: procmail's own setting, not needed
# NOT TRANSLATED (line 3): INCLUDERC reads another rc file: convert it too and use include (RFC 6609)
#   INCLUDERC=$HOME/.procmail/lists.rc
# NOT TRANSLATED (line 4): variable SUBJECT has no Sieve equivalent
#   SUBJECT=`formail -xSubject:`

# A pipe to a program.
# NOT TRANSLATED (line 7): a pipe to a program: formail +1 -ds >>digests
#   :0
#   * ^Subject:.*digest
#   | formail +1 -ds >>digests

# A program's exit code.
# NOT TRANSLATED (line 12): a condition on a program's exit code ('?')
#   :0
#   * ? test -f $HOME/.away
#   away/

# Variables expanded in a condition.
# NOT TRANSLATED (line 17): a condition with variables expanded ('$')
#   :0
#   * $ ^To:.*$LOGNAME
#   mine/

# A weighted (scoring) condition.
# NOT TRANSLATED (line 22): a weighted (scoring) condition
#   :0
#   * 1000^0 ^Subject:.*free
#   spam/

# A variable's value.
# NOT TRANSLATED (line 27): a condition on SUBJECT ('??')
#   :0
#   * SUBJECT ?? ^Re:
#   replies/

# Anywhere in the whole header.
# NOT TRANSLATED (line 32): a regular expression on the whole header, not on one field
#   :0
#   * meeting
#   meetings/

# A and e depend on the previous recipe.
# NOT TRANSLATED (line 37): flag A (depends on the previous recipe's outcome)
#   :0 A
#   important/
# NOT TRANSLATED (line 39): flag e (depends on the previous recipe's outcome)
#   :0 e
#   errors/

# Only the header would be stored.
# NOT TRANSLATED (line 43): flag h (only the header would be delivered)
#   :0 h
#   * ^Subject:.*headers only
#   headers/

# A folder from a command.
# NOT TRANSLATED (line 48): a folder named by a variable or a command: `date
#   :0
#   * ^Subject:.*monthly
#   `date +%y-%m`/monthly

# A forward with sendmail options.
# NOT TRANSLATED (line 53): a forward with sendmail options or variables: ! -oi relay@example.net
#   :0
#   * ^Subject:.*relay
#   ! -oi relay@example.net

# formail -D without w: procmail ignores its answer.
# NOT TRANSLATED (line 58): formail -D without the w or W flag (procmail then ignores its answer)
#   :0 h
#   | formail -D 8192 .cache

