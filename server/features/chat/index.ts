import { messageHistory } from "./history";
import { sendMessage } from "./send";
import { typing } from "./typing";

export const chatEvents = [sendMessage, messageHistory, typing];
