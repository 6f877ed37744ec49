# PID 1 for svrun in a container (bin/svrun runs it when it finds itself PID 1): starts svrun
# as its only child, passes on the signals an init receives, reaps every process that ends up
# as its child (orphans are re-parented to PID 1), and exits with svrun's status, 128 + n
# when a signal n ended it. What tini does; perl-base is on every Debian system.
use strict;
use warnings;
use POSIX ();

my $child = fork;
die "svrun: fatal: unable to fork: $!\n" unless defined $child;
if ($child == 0) {
  exec { $ARGV[0] } @ARGV;
  print STDERR "svrun: fatal: unable to run $ARGV[0]: $!\n";
  POSIX::_exit(111);
}
for my $sig (qw(HUP INT QUIT TERM USR1 USR2 ALRM WINCH)) {
  $SIG{$sig} = sub { kill $sig, $child };
}
for (;;) {
  my $pid = waitpid(-1, 0);
  if ($pid == $child) {
    my $st = $?;
    exit($st & 127 ? 128 + ($st & 127) : $st >> 8);
  }
  # a signal interrupted the wait (its handler ran), or an orphan was reaped: wait again
  next if $pid > 0 || $!{EINTR};
  exit 111;
}
